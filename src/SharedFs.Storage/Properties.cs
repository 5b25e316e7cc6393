using System.Runtime.CompilerServices;

// The tests check internals such as the compose planner without a server.
[assembly: InternalsVisibleTo("SharedFs.Storage.Tests")]
