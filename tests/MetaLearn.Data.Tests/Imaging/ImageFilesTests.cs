namespace MetaLearn.Data.Tests.Imaging;

public sealed class ImageFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("image-files").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Touch(params string[] parts)
    {
        string path = Path.Combine([_dir, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0]);
        return path;
    }

    [Fact]
    public void ExtensionsMatchInAnyLetterCase()
    {
        foreach (string name in new[] { "a.png", "A.PNG", "b.jpg", "b.JPG", "c.jpeg", "c.Jpeg", "d.bmp", "e.GIF", "f.tga", "dir/g.Png" })
        {
            Assert.True(ImageFiles.HasImageExtension(name), name);
        }
        foreach (string name in new[] { "notes.txt", "png", "a.png.txt", "scan.tiff", "photo.heic", "Thumbs.db", "noextension" })
        {
            Assert.False(ImageFiles.HasImageExtension(name), name);
        }
        Assert.True(ImageFiles.IsHidden(".DS_Store"));
        Assert.True(ImageFiles.IsHidden(Path.Combine("x", ".hidden") + Path.DirectorySeparatorChar));
        Assert.False(ImageFiles.IsHidden(Path.Combine(".hidden", "a.png")));
    }

    [Fact]
    public void FoldersExpandRecursivelyInOrdinalOrderSkippingHiddenAndOtherFiles()
    {
        // The CLI's old expansion, EnumerateFiles(folder, "*.png"), found neither A.PNG nor the JPEG on Linux.
        string a = Touch("q", "A.PNG"), b = Touch("q", "b.jpg"), c = Touch("q", "sub", "c.Gif"), d = Touch("q", "a.bmp");
        Touch("q", "notes.txt");
        Touch("q", ".DS_Store");
        Touch("q", "._b.jpg");
        Touch("q", ".cache", "e.png");
        string single = Touch("one", "single.tga");
        string odd = Touch("one", "drawing.dat"); // named explicitly: kept, its bytes decide when decoded

        IReadOnlyList<string> files = ImageFiles.Expand([odd, Path.Combine(_dir, "q"), single]);
        Assert.Equal([odd, a, d, b, c, single], files);
    }

    [Fact]
    public void PathsKeepTheirSpelling()
    {
        Touch("q", "x.png");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_dir, "q"));
        Assert.Equal([Path.Combine(relative, "x.png")], ImageFiles.Expand([relative]));
    }

    [Fact]
    public void BadPathsAreClearErrors()
    {
        string missing = Path.Combine(_dir, "nowhere");
        var e = Assert.Throws<FileNotFoundException>(() => ImageFiles.Expand([missing]));
        Assert.Contains($"'{missing}' is neither an image file nor a folder", e.Message);

        Touch("empty", "notes.txt");
        Touch("empty", ".hidden", "x.png");
        string empty = Path.Combine(_dir, "empty");
        var none = Assert.Throws<InvalidDataException>(() => ImageFiles.Expand([empty]));
        Assert.Contains($"Folder '{empty}' contains no images", none.Message);
        Assert.Contains(".png, .jpg, .jpeg, .bmp, .gif, .tga", none.Message);
        Assert.Empty(ImageFiles.InFolder(empty));

        Assert.Throws<ArgumentException>(() => ImageFiles.Expand([]));
        Assert.Throws<ArgumentException>(() => ImageFiles.Expand([""]));
        Assert.Throws<DirectoryNotFoundException>(() => ImageFiles.InFolder(missing));
    }

    [Fact]
    public void UndecodedFormatsInAFolderAreRefusedNamingTheFormat()
    {
        Touch("q", "a.png");
        string tiff = Path.Combine(_dir, "q", "scan.TIF");
        File.WriteAllBytes(tiff, [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, .. new byte[32]]);
        var e = Assert.Throws<ImageFormatException>(() => ImageFiles.Expand([Path.Combine(_dir, "q")]));
        Assert.Equal(ImageFormat.Tiff, e.Format);
        Assert.Contains(tiff, e.Message);
        Assert.Contains("Convert it to PNG", e.Message);
    }
}
