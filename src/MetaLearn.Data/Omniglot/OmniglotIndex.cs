namespace MetaLearn.Data;

/// <summary>Turns a file listing into Omniglot characters, from paths ending <c>ALPHABET/characterNN/IIII_DD.png</c>.</summary>
internal static class OmniglotIndex
{
    public static List<OmniglotCharacter> Build(ImageArchive archive)
    {
        var groups = new SortedDictionary<(string Alphabet, string Character), (string Set, List<string> Files)>(Comparer<(string, string)>.Create(
            (a, b) => string.CompareOrdinal(a.Item1, b.Item1) is int c && c != 0 ? c : string.CompareOrdinal(a.Item2, b.Item2)));
        foreach (string file in archive.Files)
        {
            if (!file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            string[] parts = file.Split('/');
            if (parts.Length < 3)
            {
                throw new InvalidDataException(
                    $"Omniglot: '{file}' in '{archive.Location}' is not inside ALPHABET/characterNN/; the layout must be [SET/]ALPHABET/characterNN/IIII_DD.png.");
            }
            var key = (parts[^3], parts[^2]);
            if (!groups.TryGetValue(key, out var group))
            {
                string set = parts.Length >= 4 ? parts[^4] : Path.GetFileNameWithoutExtension(archive.Location);
                groups[key] = group = (set, []);
            }
            group.Files.Add(file);
        }
        if (groups.Count == 0)
        {
            throw new InvalidDataException(
                $"Omniglot: no PNG drawings found in '{archive.Location}'. Expected the layout [SET/]ALPHABET/characterNN/IIII_DD.png " +
                $"of the official zips ({OmniglotSets.DownloadUrl}).");
        }
        return [.. groups.Select(g => new OmniglotCharacter(g.Value.Set, g.Key.Alphabet, g.Key.Character, g.Value.Files))];
    }
}
