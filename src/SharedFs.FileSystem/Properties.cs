using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("SharedFs.FileSystem.Tests")]
[assembly: InternalsVisibleTo("SharedFs.Core.Tests")]
