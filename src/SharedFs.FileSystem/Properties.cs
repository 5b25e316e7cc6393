using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("SharedFs.FileSystem.Tests")]
