namespace MetaLearn.Data;

/// <summary>
/// Checks a dataset zip or folder before training on it, the library side of <c>metalearn data verify PATH</c>:
/// counts (alphabets, characters and drawings for Omniglot; classes and images for an image folder), empty
/// classes, files outside the layout or in a format the reader does not take, images that do not decode
/// (optionally, on an even sample), and a zip's SHA-256 against the expected value. Everything found goes into a
/// <see cref="DatasetReport"/>; only a missing path or invalid options throw.
/// </summary>
/// <remarks>
/// Each layout is checked by its reader's rule. Omniglot (<see cref="OmniglotDataset"/>) reads PNG drawings only.
/// An image folder (<see cref="ImageFolderDataset"/>) follows <see cref="ImageFiles"/>: PNG, JPEG, BMP, GIF and TGA
/// by extension in any letter case, decoded by their bytes with <see cref="ImageDecoder"/>; hidden files and
/// folders (name starting with '.') are skipped; a file named TIFF, WebP, HEIC/HEIF or AVIF counts only if its
/// bytes are a decoded format, and is otherwise a <see cref="DatasetProblemKind.UnsupportedImage"/>.
/// </remarks>
public static partial class DatasetVerifier
{
    /// <summary>Drawings per Omniglot character: 20 drawers each drew every character once (Lake et al. 2015).</summary>
    public const int OmniglotDrawingsPerCharacter = 20;

    /// <summary>Verifies <paramref name="path"/> (a zip or a folder) with <paramref name="options"/> (defaults: count only, checksum on).</summary>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    public static DatasetReport Verify(string path, DatasetVerifyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new DatasetVerifyOptions();
        if (options.DecodeCount < 0 || options.MaxProblems < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"Dataset verify: DecodeCount ({options.DecodeCount}) and MaxProblems ({options.MaxProblems}) must not be negative.");
        }
        string full = System.IO.Path.GetFullPath(path);
        bool isZip = !Directory.Exists(full);
        if (isZip && !File.Exists(full))
        {
            throw new FileNotFoundException(
                $"Dataset verify: nothing at '{full}'. Give an Omniglot zip (e.g. images_background.zip, from {DatasetDownloader.OmniglotBaseUrl}) " +
                "or its extracted folder, or a folder with one sub-folder of images per class.", full);
        }
        var problems = new ProblemList(options.MaxProblems);
        ChecksumCheck? checksum = isZip && options.ComputeChecksum ? CheckSum(full, options.ExpectedSha256) : null;
        // A mismatch against a checksum the caller gave is final; one against the project's recorded copy of an Omniglot
        // zip is settled after the contents are checked (a genuine upstream zip has other PNG bytes, the same pixels).
        bool contentsMaySettle = checksum is { Status: ChecksumStatus.Mismatch } && options.ExpectedSha256 is null;
        if (checksum is { Status: ChecksumStatus.Mismatch } && !contentsMaySettle)
        {
            problems.Add(MismatchProblem(checksum, ""));
        }

        ImageArchive archive;
        try
        {
            archive = ImageArchive.Open(full, "");
        }
        catch (InvalidDataException e)
        {
            if (contentsMaySettle)
            {
                problems.Add(MismatchProblem(checksum!, ""));
            }
            problems.Add(DatasetProblemKind.UnreadableArchive, "", e.Message);
            return new DatasetReport
            {
                Path = full, IsZip = isZip, Layout = options.Layout, Checksum = checksum,
                Problems = problems.Listed, ProblemsOmitted = problems.Omitted,
            };
        }
        using (archive)
        {
            DatasetLayout layout = options.Layout != DatasetLayout.Auto ? options.Layout : LooksLikeOmniglot(archive) ? DatasetLayout.Omniglot : DatasetLayout.ImageFolder;
            Index index = layout == DatasetLayout.Omniglot ? IndexOmniglot(archive, problems) : IndexImageFolder(archive, isZip, problems);
            if (index.Classes.Count == 0)
            {
                problems.Add(DatasetProblemKind.NoImages, "", (layout == DatasetLayout.Omniglot
                    ? "no PNG drawings in the layout [SET/]ALPHABET/characterNN/IIII_DD.png."
                    : $"no class folder holds an image. Put each class's images ({ImageFiles.ExtensionList}) in its own sub-folder, e.g. cat/1.png, dog/1.jpg.")
                    + (isZip ? "" : ZipsInside(archive)));
            }
            int decoded = Decode(archive, index, layout, options.DecodeCount, problems);
            int[] counts = [.. index.Classes.Select(c => c.Files.Count)];
            if (contentsMaySettle)
            {
                bool officialCounts = ExpectedTotals(System.IO.Path.GetFileNameWithoutExtension(full)) is var (a, c, d)
                    && (index.Alphabets, counts.Length, counts.Sum()) == (a, c, d);
                if (options.DecodeCount == DatasetVerifyOptions.All && layout == DatasetLayout.Omniglot && officialCounts
                    && problems.Listed.Count == 0 && problems.Omitted == 0)
                {
                    checksum = checksum! with { Status = ChecksumStatus.ContentVerified };
                }
                else
                {
                    problems.Add(MismatchProblem(checksum!, options.DecodeCount == DatasetVerifyOptions.All ? ""
                        : " If this is a genuine upstream download, verify its contents instead: decode every drawing (`metalearn data verify PATH --decode all`)."));
                }
            }
            return new DatasetReport
            {
                Path = full,
                IsZip = isZip,
                Layout = layout,
                Alphabets = index.Alphabets,
                Classes = counts.Length,
                Images = counts.Sum(),
                MinImagesPerClass = counts.Length == 0 ? 0 : counts.Min(),
                MaxImagesPerClass = counts.Length == 0 ? 0 : counts.Max(),
                IgnoredFiles = index.Ignored,
                Decoded = decoded,
                Checksum = checksum,
                Problems = problems.Listed,
                ProblemsOmitted = problems.Omitted,
            };
        }
    }

    private static ChecksumCheck CheckSum(string path, string? given)
    {
        string actual = FileChecksum.Sha256(path);
        string? expected = null, source = null;
        if (given is not null)
        {
            (expected, source) = (FileChecksum.Normalize(given, "Dataset verify"), "given by the caller");
        }
        else if (OmniglotChecksums.Find(System.IO.Path.GetFileName(path)) is KnownChecksum known)
        {
            (expected, source) = (known.Sha256, known.Provenance);
        }
        return ChecksumCheck.Compare(actual, expected, source);
    }

    private static DatasetProblem MismatchProblem(ChecksumCheck check, string hint) => new(DatasetProblemKind.ChecksumMismatch, "",
        $"SHA-256 is {check.Actual} but {check.Expected} was expected ({check.ExpectedSource}). The file is damaged or a different version: download it again.{hint}");

    private static bool LooksLikeOmniglot(ImageArchive archive) => archive.Files.Any(f =>
    {
        string[] parts = f.Split('/');
        return parts.Length >= 3 && IsPng(f) && parts[^2].StartsWith("character", StringComparison.OrdinalIgnoreCase);
    });

    private static Index IndexOmniglot(ImageArchive archive, ProblemList problems)
    {
        var classes = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        int ignored = 0;
        foreach (string file in archive.Files)
        {
            int depth = file.Count(ch => ch == '/');
            if (IsPng(file) && depth >= 2)
            {
                string folder = file[..file.LastIndexOf('/')];
                if (!classes.TryGetValue(folder, out var list))
                {
                    classes[folder] = list = [];
                }
                list.Add(file);
            }
            else if (IsPng(file))
            {
                problems.Add(DatasetProblemKind.MisplacedFile, file, "a PNG outside ALPHABET/characterNN/; the Omniglot reader will not use it.");
            }
            else if (ImageFormatExtensions.FromExtension(file) != ImageFormat.Unknown)
            {
                problems.Add(DatasetProblemKind.NotPng, file, "only PNG drawings are read; convert it to PNG or remove it.");
            }
            else
            {
                ignored++;
            }
        }
        foreach (string folder in EmptyLeafFolders(archive, classes.Keys))
        {
            problems.Add(DatasetProblemKind.EmptyClass, folder, "folder has no PNG drawings (an empty character or alphabet): the extraction may be incomplete.");
        }
        foreach (var (folder, files) in classes)
        {
            if (files.Count != OmniglotDrawingsPerCharacter)
            {
                problems.Add(DatasetProblemKind.UnexpectedCount, folder,
                    $"character has {files.Count} drawings; every Omniglot character has {OmniglotDrawingsPerCharacter}.");
            }
        }
        string Alphabet(string folder) => folder.Contains('/') ? folder[..folder.LastIndexOf('/')] : "";
        string Set(string folder)
        {
            string[] parts = folder.Split('/');
            return parts.Length >= 3 ? parts[^3] : System.IO.Path.GetFileNameWithoutExtension(archive.Location);
        }
        foreach (var set in classes.Keys.GroupBy(Set, StringComparer.Ordinal))
        {
            if (ExpectedTotals(set.Key) is var (alphabets, characters, drawings))
            {
                int a = set.Select(Alphabet).Distinct(StringComparer.Ordinal).Count(), c = set.Count(), d = set.Sum(k => classes[k].Count);
                if ((a, c, d) != (alphabets, characters, drawings))
                {
                    problems.Add(DatasetProblemKind.UnexpectedCount, set.Key,
                        $"{a} alphabets, {c} characters, {d} drawings; the official {set.Key} has {alphabets}, {characters} and {drawings:N0}. Files are missing or extra.");
                }
            }
        }
        return new Index(
            [.. classes.Select(kv => (kv.Key, (IReadOnlyList<string>)kv.Value))],
            classes.Keys.Select(Alphabet).Distinct(StringComparer.Ordinal).Count(),
            ignored);
    }

    private static Index IndexImageFolder(ImageArchive archive, bool isZip, ProblemList problems)
    {
        // A zip usually wraps the class folders in one top folder (pets.zip: pets/cat/1.png); look inside it.
        string prefix = "";
        if (isZip && archive.Files.Count > 0)
        {
            string first = archive.Files[0];
            int slash = first.IndexOf('/');
            string top = slash > 0 ? first[..(slash + 1)] : "";
            if (top.Length > 0 && archive.Files.All(f => f.StartsWith(top, StringComparison.Ordinal) && f.IndexOf('/', top.Length) > 0))
            {
                prefix = top;
            }
        }
        var classes = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string folder in archive.Folders)
        {
            if (folder.Length > prefix.Length && (folder + "/").StartsWith(prefix, StringComparison.Ordinal) && folder.IndexOf('/', prefix.Length) < 0
                && !ImageFiles.IsHidden(folder))
            {
                classes[folder] = [];
            }
        }
        int ignored = 0;
        foreach (string file in archive.Files)
        {
            // As ImageFiles: a file in a hidden folder, or hidden itself (.DS_Store, "._x.png"), is not read.
            if (file.Length > prefix.Length && file[prefix.Length..].Split('/').Any(part => part.StartsWith('.')))
            {
                ignored++;
                continue;
            }
            int slash = file.IndexOf('/', prefix.Length);
            bool inClass = file.StartsWith(prefix, StringComparison.Ordinal) && slash > 0;
            bool image = ImageFiles.HasImageExtension(file);
            if (!image && ImageFormatExtensions.FromExtension(file) != ImageFormat.Unknown)
            {
                // Named TIFF, WebP, HEIC/HEIF or AVIF: the reader decodes it by its bytes, keeps it if they are a format it
                // decodes, and otherwise refuses the folder.
                try
                {
                    ImageDecoder.Decode(archive.Read(file), NameForErrors(archive, file));
                    image = true;
                }
                catch (ImageFormatException e)
                {
                    problems.Add(DatasetProblemKind.UnsupportedImage, file, e.Message);
                    continue;
                }
                catch (InvalidDataException e)
                {
                    problems.Add(DatasetProblemKind.UnreadableEntry, file, e.Message);
                    continue;
                }
            }
            if (image && inClass)
            {
                string folder = file[..slash];
                if (!classes.TryGetValue(folder, out var list))
                {
                    classes[folder] = list = [];
                }
                list.Add(file);
            }
            else if (image)
            {
                problems.Add(DatasetProblemKind.MisplacedFile, file, "an image outside any class folder; the image-folder reader only reads images inside class sub-folders.");
            }
            else
            {
                ignored++;
            }
        }
        foreach (var (folder, files) in classes)
        {
            if (files.Count == 0)
            {
                problems.Add(DatasetProblemKind.EmptyClass, folder,
                    $"class folder has no images (files ending in {ImageFiles.ExtensionList}, any letter case; hidden files are skipped); the image-folder reader refuses it. Add images or remove the folder.");
            }
        }
        return new Index([.. classes.Where(kv => kv.Value.Count > 0).Select(kv => (kv.Key, (IReadOnlyList<string>)kv.Value))], 0, ignored);
    }

    /// <summary>Folders with no sub-folder and no class of PNG drawings under them.</summary>
    private static IEnumerable<string> EmptyLeafFolders(ImageArchive archive, IEnumerable<string> classFolders)
    {
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (string f in archive.Folders)
        {
            int slash = f.LastIndexOf('/');
            if (slash > 0)
            {
                parents.Add(f[..slash]);
            }
        }
        var withImages = classFolders.ToHashSet(StringComparer.Ordinal);
        return archive.Folders.Where(f => !parents.Contains(f) && !withImages.Contains(f));
    }

    /// <summary>
    /// Decodes <paramref name="count"/> images spread evenly over the class files (in parallel) as the layout's reader
    /// would: PNG only for Omniglot, any supported format for an image folder. Returns how many.
    /// </summary>
    private static int Decode(ImageArchive archive, Index index, DatasetLayout layout, int count, ProblemList problems)
    {
        string[] files = [.. index.Classes.SelectMany(c => c.Files)];
        if (count == 0 || files.Length == 0)
        {
            return 0;
        }
        int n = Math.Min(count, files.Length);
        var found = new DatasetProblem?[n];
        Parallel.For(0, n, j =>
        {
            string file = files[(int)((long)j * files.Length / n)];
            try
            {
                byte[] bytes = archive.Read(file);
                if (layout == DatasetLayout.Omniglot)
                {
                    PngDecoder.Decode(bytes, NameForErrors(archive, file));
                }
                else
                {
                    ImageDecoder.Decode(bytes, NameForErrors(archive, file));
                }
            }
            catch (ImageFormatException e)
            {
                found[j] = new DatasetProblem(layout == DatasetLayout.Omniglot ? DatasetProblemKind.UndecodablePng : DatasetProblemKind.UndecodableImage, file, e.Message);
            }
            catch (InvalidDataException e)
            {
                found[j] = new DatasetProblem(DatasetProblemKind.UnreadableEntry, file, e.Message);
            }
        });
        foreach (DatasetProblem? p in found)
        {
            if (p is not null)
            {
                problems.Add(p);
            }
        }
        return n;
    }

    /// <summary>Alphabets, characters and drawings of the official sets, from the Omniglot README.</summary>
    internal static (int Alphabets, int Characters, int Drawings)? ExpectedTotals(string setName) => setName switch
    {
        "images_background" => (30, 964, 19_280),
        "images_evaluation" => (20, 659, 13_180),
        "images_background_small1" => (5, 136, 2_720),
        "images_background_small2" => (5, 156, 3_120),
        _ => null,
    };

    private static bool IsPng(string file) => file.EndsWith(".png", StringComparison.OrdinalIgnoreCase);

    /// <summary>How a decoder's message names a file: the path of a file in a folder, ZIP:ENTRY for a zip entry.</summary>
    private static string NameForErrors(ImageArchive archive, string file) => Directory.Exists(archive.Location)
        ? System.IO.Path.Combine(archive.Location, file.Replace('/', System.IO.Path.DirectorySeparatorChar))
        : $"{archive.Location}:{file}";

    private sealed record Index(IReadOnlyList<(string Folder, IReadOnlyList<string> Files)> Classes, int Alphabets, int Ignored);

    private sealed class ProblemList(int max)
    {
        public List<DatasetProblem> Listed { get; } = [];

        public int Omitted { get; private set; }

        public void Add(DatasetProblemKind kind, string path, string message) => Add(new DatasetProblem(kind, path, message));

        public void Add(DatasetProblem problem)
        {
            if (Listed.Count < max)
            {
                Listed.Add(problem);
            }
            else
            {
                Omitted++;
            }
        }
    }
}
