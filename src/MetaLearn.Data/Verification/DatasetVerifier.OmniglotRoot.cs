namespace MetaLearn.Data;

/// <summary>The folder that holds the Omniglot sets side by side, as a training configuration names it.</summary>
public static partial class DatasetVerifier
{
    /// <summary>
    /// The Omniglot sets directly in <paramref name="folder"/>, found as <see cref="OmniglotDataset.Open(string, int, OmniglotSet[])"/>
    /// finds them (<see cref="OmniglotSets.Locate"/>: <c>STEM.zip</c>, else the extracted folder <c>STEM</c>), in
    /// <see cref="OmniglotSet"/> order; empty when there is none. This is the folder a training configuration names
    /// (the CLI's <c>--set data=DIR</c>): <see cref="Verify"/> does not open the zips in a folder, so verify each
    /// set's path.
    /// </summary>
    public static IReadOnlyList<(OmniglotSet Set, string Path)> FindOmniglotSets(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string full = System.IO.Path.GetFullPath(folder);
        return [.. Enum.GetValues<OmniglotSet>()
            .Where(set => File.Exists(System.IO.Path.Combine(full, set.FileStem() + ".zip")) || Directory.Exists(System.IO.Path.Combine(full, set.FileStem())))
            .Select(set => (set, OmniglotSets.Locate(full, set)))];
    }

    /// <summary>" It holds zip files ...: a.zip, b.zip. ..." for a folder with zips at its top, which a folder's check does not open; else "".</summary>
    private static string ZipsInside(ImageArchive folder)
    {
        string[] zips = [.. folder.Files.Where(f => !f.Contains('/') && !f.StartsWith('.') && f.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))];
        return zips.Length == 0 ? "" : $" It holds zip files, which are not opened when a folder is verified: {string.Join(", ", zips)}. Verify a zip by its own path.";
    }
}
