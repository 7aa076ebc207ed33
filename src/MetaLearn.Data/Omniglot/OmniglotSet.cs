namespace MetaLearn.Data;

/// <summary>The Omniglot archives as distributed by Lake et al. (2015).</summary>
public enum OmniglotSet
{
    /// <summary><c>images_background</c>: 30 alphabets, 964 characters, 19,280 drawings.</summary>
    Background,

    /// <summary><c>images_evaluation</c>: 20 alphabets, 659 characters, 13,180 drawings.</summary>
    Evaluation,

    /// <summary><c>images_background_small1</c>: 5 background alphabets, 136 characters.</summary>
    BackgroundSmall1,

    /// <summary><c>images_background_small2</c>: 5 background alphabets, 156 characters.</summary>
    BackgroundSmall2,
}

/// <summary>File names and locations of the Omniglot sets.</summary>
public static class OmniglotSets
{
    /// <summary>Where the official zips are published.</summary>
    public const string DownloadUrl = "https://github.com/brendenlake/omniglot/tree/master/python";

    /// <summary>The archive's base name, e.g. <c>images_background</c>.</summary>
    public static string FileStem(this OmniglotSet set) => set switch
    {
        OmniglotSet.Background => "images_background",
        OmniglotSet.Evaluation => "images_evaluation",
        OmniglotSet.BackgroundSmall1 => "images_background_small1",
        OmniglotSet.BackgroundSmall2 => "images_background_small2",
        _ => throw new ArgumentOutOfRangeException(nameof(set), $"Unknown Omniglot set {set}."),
    };

    /// <summary>
    /// Finds <paramref name="set"/> under <paramref name="root"/>: the zip <c>root/STEM.zip</c> if present, else the
    /// extracted folder <c>root/STEM</c>. Throws <see cref="FileNotFoundException"/> naming both places and how to get the data.
    /// </summary>
    public static string Locate(string root, OmniglotSet set)
    {
        ArgumentNullException.ThrowIfNull(root);
        string stem = set.FileStem();
        string zip = Path.Combine(root, stem + ".zip");
        string folder = Path.Combine(root, stem);
        if (File.Exists(zip))
        {
            return zip;
        }
        if (Directory.Exists(folder))
        {
            return folder;
        }
        throw new FileNotFoundException(
            $"Omniglot {stem} not found: looked for '{Path.GetFullPath(zip)}' and the folder '{Path.GetFullPath(folder)}'. " +
            $"Download {stem}.zip from {DownloadUrl} into '{Path.GetFullPath(root)}' (no need to extract it).", zip);
    }
}
