namespace MetaLearn.NN;

/// <summary>
/// Writes a file so that readers see either the old contents or the complete new ones, never a mix: the data
/// goes to a temporary file in the same directory, is flushed to disk, and is then renamed over the target
/// (an atomic replace on POSIX file systems and NTFS). If anything fails, the temporary file is deleted and the
/// previous file is left untouched.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot write '{full}': the directory '{directory}' does not exist. Create it first.");
        }
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // Best effort: the original exception is the one worth reporting.
            }
            throw;
        }
    }
}
