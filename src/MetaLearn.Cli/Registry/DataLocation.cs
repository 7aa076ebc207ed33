using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>Finding a dataset from a <c>data</c> key: a given folder (with <c>~</c> expanded), or the data directories.</summary>
internal static class DataLocation
{
    /// <summary>
    /// <paramref name="path"/> with a leading <c>~</c> or <c>~/</c> replaced by the home folder, as a shell would (a YAML
    /// file or a quoted argument passes the tilde through unexpanded).
    /// </summary>
    public static string ExpandHome(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "");
        }
        return path;
    }

    /// <summary>
    /// The Omniglot root: <paramref name="data"/> when set, else the first data directory (or its <c>omniglot</c>
    /// sub-folder) that holds both images_background and images_evaluation.
    /// </summary>
    public static string FindOmniglot(string data)
    {
        if (data.Length > 0)
        {
            string root = ExpandHome(data);
            foreach (OmniglotSet set in new[] { OmniglotSet.Background, OmniglotSet.Evaluation })
            {
                try
                {
                    OmniglotSets.Locate(root, set);
                }
                catch (FileNotFoundException e)
                {
                    throw new UsageException($"data={data}: {e.Message} Or run `metalearn data download omniglot --to {data}`.");
                }
            }
            return root;
        }
        var looked = new List<string>();
        foreach (string dir in DataDirectories.Candidates())
        {
            foreach (string root in new[] { dir, Path.Combine(dir, "omniglot") })
            {
                looked.Add(root);
                if (HasOmniglot(root))
                {
                    return root;
                }
            }
        }
        throw new UsageException(
            $"Omniglot (images_background and images_evaluation, zips or folders) was not found; looked in {string.Join(", ", looked)}. " +
            $"Fetch it with `metalearn data download omniglot --to DIR`, then pass --set data=DIR (or set {DataDirectories.Variable}=DIR).");
    }

    private static bool HasOmniglot(string root) =>
        new[] { OmniglotSet.Background, OmniglotSet.Evaluation }.All(s =>
            File.Exists(Path.Combine(root, s.FileStem() + ".zip")) || Directory.Exists(Path.Combine(root, s.FileStem())));
}
