namespace SharedFs.Init.Symlinks;

/// <summary>Creates directories in storage, with their missing parents; each one created goes to the owner, if any.</summary>
internal sealed class StorageDirectories(StorageOwner? owner)
{
    public void Create(string path)
    {
        if (owner is not { } given)
        {
            Directory.CreateDirectory(path);
            return;
        }
        var missing = new Stack<string>();
        for (string? current = path; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
            missing.Push(current);
        foreach (string directory in missing)
        {
            Directory.CreateDirectory(directory);
            given.ApplyTo(directory);
        }
    }
}
