namespace SharedFs.FileSystem;

internal enum NodeKind { File, Directory, SymbolicLink }

/// <summary>How a directory exists in the bucket: it decides what chmod, rename and rmdir must touch.</summary>
internal enum DirectoryForm { None, Marker, Implicit, LegacyFolder }
