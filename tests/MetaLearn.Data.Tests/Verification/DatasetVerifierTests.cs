using System.IO.Compression;
using MetaLearn.Data;
using MetaLearn.Data.Tests.Imaging;
using MetaLearn.Data.Tests.Omniglot;

namespace MetaLearn.Data.Tests.Verification;

public sealed class DatasetVerifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("verify").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Png(byte level = 0) => PngTestEncoder.Encode(2, 2, PngColorType.Gray, 8, [level, 255, 255, level]);

    private void Write(string relative, byte[] bytes)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void OfficialSmallZipCountsChecksumAndSampledDecodeAreClean()
    {
        DatasetReport r = DatasetVerifier.Verify(OmniglotFiles.Zip("images_background_small1"), new DatasetVerifyOptions { DecodeCount = 40 });
        Assert.True(r.IsValid, r.ToString());
        Assert.Equal(DatasetLayout.Omniglot, r.Layout);
        Assert.True(r.IsZip);
        Assert.Equal((5, 136, 2720, 20, 20), (r.Alphabets, r.Classes, r.Images, r.MinImagesPerClass, r.MaxImagesPerClass));
        Assert.Equal(40, r.Decoded);
        Assert.Equal(ChecksumStatus.Match, r.Checksum!.Status);
        Assert.Equal(OmniglotChecksums.For(OmniglotSet.BackgroundSmall1).Sha256, r.Checksum.Actual);
        Assert.Contains("not compared with the upstream", r.Checksum.ExpectedSource);
    }

    [Fact]
    public void FullBackgroundZipHasTheOfficialCountsAndTheRebuiltCopysChecksum()
    {
        DatasetReport r = DatasetVerifier.Verify(OmniglotFiles.Zip("images_background"));
        Assert.True(r.IsValid, r.ToString());
        Assert.Equal((30, 964, 19_280), (r.Alphabets, r.Classes, r.Images));
        Assert.Equal(ChecksumStatus.Match, r.Checksum!.Status);
        Assert.Contains("rebuilt pixel-exact", r.Checksum.ExpectedSource);
    }

    [Fact]
    public void WrongExpectedChecksumIsAProblemAndUnknownFilesHaveNoReference()
    {
        string zip = OmniglotFiles.Zip("images_background_small2");
        DatasetReport r = DatasetVerifier.Verify(zip, new DatasetVerifyOptions { ExpectedSha256 = new string('0', 64) });
        Assert.False(r.IsValid);
        DatasetProblem p = Assert.Single(r.Problems);
        Assert.Equal(DatasetProblemKind.ChecksumMismatch, p.Kind);
        Assert.Contains(r.Checksum!.Actual, p.Message);
        Assert.Contains("given by the caller", p.Message);

        string renamed = Path.Combine(_dir, "copy.zip");
        File.Copy(zip, renamed);
        DatasetReport unknown = DatasetVerifier.Verify(renamed);
        Assert.Equal(ChecksumStatus.NoReference, unknown.Checksum!.Status);
        Assert.True(unknown.IsValid, unknown.ToString());

        Assert.Throws<ArgumentException>(() => DatasetVerifier.Verify(zip, new DatasetVerifyOptions { ExpectedSha256 = "abc" }));
    }

    [Fact]
    public void OmniglotFolderProblemsAreEachNamed()
    {
        string set = Path.Combine("images_x", "Alpha");
        for (int d = 1; d <= 20; d++)
        {
            Write(Path.Combine(set, "character01", $"0001_{d:D2}.png"), Png());
        }
        Write(Path.Combine(set, "character02", "0002_01.png"), Png());
        Write(Path.Combine(set, "character02", "0002_02.png"), [1, 2, 3]);
        Write(Path.Combine(set, "character02", "0002_03.jpg"), [0xFF, 0xD8]);
        Directory.CreateDirectory(Path.Combine(_dir, set, "character03"));
        Write(Path.Combine(_dir, "notes.txt"), [65]);

        DatasetReport r = DatasetVerifier.Verify(_dir, new DatasetVerifyOptions { DecodeCount = DatasetVerifyOptions.All });
        Assert.Equal(DatasetLayout.Omniglot, r.Layout);
        Assert.False(r.IsZip);
        Assert.Null(r.Checksum);
        Assert.Equal((1, 2, 22, 2, 20, 1, 22), (r.Alphabets, r.Classes, r.Images, r.MinImagesPerClass, r.MaxImagesPerClass, r.IgnoredFiles, r.Decoded));
        var kinds = r.Problems.Select(p => (p.Kind, p.Path)).ToHashSet();
        Assert.Contains((DatasetProblemKind.NotPng, "images_x/Alpha/character02/0002_03.jpg"), kinds);
        Assert.Contains((DatasetProblemKind.EmptyClass, "images_x/Alpha/character03"), kinds);
        Assert.Contains((DatasetProblemKind.UnexpectedCount, "images_x/Alpha/character02"), kinds);
        DatasetProblem bad = Assert.Single(r.Problems, p => p.Kind == DatasetProblemKind.UndecodablePng);
        Assert.Equal("images_x/Alpha/character02/0002_02.png", bad.Path);
        Assert.Contains("signature", bad.Message);
        Assert.Equal(4, r.Problems.Count);
        Assert.Contains("4 problem(s)", r.ToString());
    }

    [Fact]
    public void KnownSetWithMissingFilesIsCountedAgainstTheOfficialTotals()
    {
        for (int d = 1; d <= 20; d++)
        {
            Write(Path.Combine("images_evaluation", "Alpha", "character01", $"0001_{d:D2}.png"), Png());
        }
        DatasetReport r = DatasetVerifier.Verify(Path.Combine(_dir, "images_evaluation"));
        DatasetProblem p = Assert.Single(r.Problems);
        Assert.Equal(DatasetProblemKind.UnexpectedCount, p.Kind);
        Assert.Contains("1 alphabets, 1 characters, 20 drawings", p.Message);
        Assert.Contains("659", p.Message);
    }

    [Fact]
    public void ImageFolderCountsAndProblems()
    {
        Write(Path.Combine("cat", "1.png"), Png());
        Write(Path.Combine("cat", "2.png"), Png(9));
        Write(Path.Combine("cat", "deeper", "3.png"), Png());
        Write(Path.Combine("dog", "1.png"), Png());
        Write(Path.Combine("dog", "broken.png"), Png()[..30]);
        Directory.CreateDirectory(Path.Combine(_dir, "empty"));
        Write("stray.png", Png());

        DatasetReport r = DatasetVerifier.Verify(_dir, new DatasetVerifyOptions { DecodeCount = 100 });
        Assert.Equal(DatasetLayout.ImageFolder, r.Layout);
        Assert.Equal((0, 2, 5, 2, 3, 5), (r.Alphabets, r.Classes, r.Images, r.MinImagesPerClass, r.MaxImagesPerClass, r.Decoded));
        Assert.Equal(
            [(DatasetProblemKind.MisplacedFile, "stray.png"), (DatasetProblemKind.EmptyClass, "empty"), (DatasetProblemKind.UndecodableImage, "dog/broken.png")],
            r.Problems.Select(p => (p.Kind, p.Path)));
        Assert.Contains("truncated", r.Problems[2].Message);

        // Without decoding, the broken PNG goes unnoticed: only the structure is checked.
        Assert.Equal(2, DatasetVerifier.Verify(_dir).Problems.Count);
    }

    [Fact]
    public void ImageFolderZipLooksInsideItsTopFolder()
    {
        string zip = Path.Combine(_dir, "pets.zip");
        using (ZipArchive z = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (string name in new[] { "pets/cat/1.png", "pets/cat/2.png", "pets/dog/1.png" })
            {
                using Stream s = z.CreateEntry(name).Open();
                s.Write(Png());
            }
            z.CreateEntry("pets/bird/");
        }
        DatasetReport r = DatasetVerifier.Verify(zip, new DatasetVerifyOptions { DecodeCount = DatasetVerifyOptions.All });
        Assert.Equal((2, 3, 3), (r.Classes, r.Images, r.Decoded));
        Assert.Equal(ChecksumStatus.NoReference, r.Checksum!.Status);
        DatasetProblem p = Assert.Single(r.Problems);
        Assert.Equal((DatasetProblemKind.EmptyClass, "pets/bird"), (p.Kind, p.Path));
    }

    [Fact]
    public void SampledDecodeIsSpreadEvenlyAndDeterministic()
    {
        for (int i = 0; i < 10; i++)
        {
            Write(Path.Combine("a", $"{i}.png"), i == 9 ? [0] : Png());
        }
        // 2 of 10 files: indices 0 and 5, so the broken last file is missed; 10 of 10 finds it.
        Assert.True(DatasetVerifier.Verify(_dir, new DatasetVerifyOptions { DecodeCount = 2 }).IsValid);
        DatasetReport all = DatasetVerifier.Verify(_dir, new DatasetVerifyOptions { DecodeCount = 10 });
        Assert.Equal("a/9.png", Assert.Single(all.Problems).Path);
    }

    [Fact]
    public void AnOmniglotZipWithOtherBytesVerifiesByItsContentsWhenEveryDrawingIsDecoded()
    {
        string path = Path.Combine(_dir, "images_background_small1.zip");
        File.WriteAllBytes(path, Download.DatasetDownloaderTests.Rezip(OmniglotFiles.Zip("images_background_small1"), dropOne: false));

        DatasetReport sampled = DatasetVerifier.Verify(path);
        DatasetProblem p = Assert.Single(sampled.Problems);
        Assert.Equal(DatasetProblemKind.ChecksumMismatch, p.Kind);
        Assert.Contains("--decode all", p.Message);

        DatasetReport all = DatasetVerifier.Verify(path, new DatasetVerifyOptions { DecodeCount = DatasetVerifyOptions.All });
        Assert.True(all.IsValid, all.ToString());
        Assert.Equal((ChecksumStatus.ContentVerified, 2720), (all.Checksum!.Status, all.Decoded));

        File.WriteAllBytes(path, Download.DatasetDownloaderTests.Rezip(OmniglotFiles.Zip("images_background_small1"), dropOne: true));
        DatasetReport missing = DatasetVerifier.Verify(path, new DatasetVerifyOptions { DecodeCount = DatasetVerifyOptions.All });
        Assert.Equal(ChecksumStatus.Mismatch, missing.Checksum!.Status);
        Assert.Contains(DatasetProblemKind.ChecksumMismatch, missing.Problems.Select(q => q.Kind));
    }

    [Fact]
    public void TruncatedZipIsReportedWithItsChecksum()
    {
        string path = Path.Combine(_dir, "images_background_small1.zip");
        byte[] bytes = File.ReadAllBytes(OmniglotFiles.Zip("images_background_small1"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        DatasetReport r = DatasetVerifier.Verify(path);
        Assert.Equal([DatasetProblemKind.ChecksumMismatch, DatasetProblemKind.UnreadableArchive], r.Problems.Select(p => p.Kind));
        Assert.Contains(path, r.Problems[1].Message);
    }

    [Fact]
    public void NoImagesAndMissingPath()
    {
        Write("readme.txt", [65]);
        DatasetReport r = DatasetVerifier.Verify(_dir);
        Assert.Equal(DatasetProblemKind.NoImages, Assert.Single(r.Problems).Kind);

        string missing = Path.Combine(_dir, "nope.zip");
        var e = Assert.Throws<FileNotFoundException>(() => DatasetVerifier.Verify(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("raw.githubusercontent.com/brendenlake/omniglot", e.Message);
    }

    [Fact]
    public void ProblemsBeyondTheLimitAreCounted()
    {
        for (int i = 0; i < 5; i++)
        {
            Directory.CreateDirectory(Path.Combine(_dir, $"empty{i}"));
        }
        Write(Path.Combine("full", "1.png"), Png());
        DatasetReport r = DatasetVerifier.Verify(_dir, new DatasetVerifyOptions { MaxProblems = 2 });
        Assert.Equal((2, 3), (r.Problems.Count, r.ProblemsOmitted));
        Assert.False(r.IsValid);
    }
}
