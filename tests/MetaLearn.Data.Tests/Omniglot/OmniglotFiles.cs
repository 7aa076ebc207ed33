namespace MetaLearn.Data.Tests.Omniglot;

/// <summary>Finds the shared Omniglot zips (../shared/data/omniglot beside the repository).</summary>
internal static class OmniglotFiles
{
    public static string Root { get; } = Find();

    public static string Zip(string stem) => Path.Combine(Root, stem + ".zip");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "shared", "data", "omniglot"), Path.Combine(dir.FullName, "..", "shared", "data", "omniglot") })
            {
                if (File.Exists(Path.Combine(candidate, "images_background_small1.zip")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        throw new DirectoryNotFoundException(
            $"The Omniglot test data (shared/data/omniglot/*.zip) was not found above {AppContext.BaseDirectory}; it is expected beside the repository clone.");
    }
}
