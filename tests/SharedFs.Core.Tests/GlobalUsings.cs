global using FileMode = SharedFs.Fuse.FileMode;
