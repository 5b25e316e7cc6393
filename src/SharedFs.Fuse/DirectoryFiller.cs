namespace SharedFs.Fuse;

/// <summary>Receives the entries of one readdir call. The binding implements it over fuse_fill_dir_t.</summary>
public interface IDirectoryFiller
{
    /// <summary>Adds an entry without attributes (the kernel will look it up). Returns false when the buffer is full.</summary>
    bool Add(string name);

    /// <summary>Adds an entry with its attributes (readdirplus: saves the kernel a lookup per entry).</summary>
    bool Add(string name, in FileStat stat);
}
