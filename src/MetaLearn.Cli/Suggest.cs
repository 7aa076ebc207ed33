namespace MetaLearn.Cli;

/// <summary>"Did you mean" suggestions for mistyped names.</summary>
internal static class Suggest
{
    /// <summary>" (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates)
    {
        (string? best, int distance) = (null, int.MaxValue);
        foreach (string c in candidates)
        {
            int d = EditDistance(given.ToLowerInvariant(), c);
            if (d < distance)
            {
                (best, distance) = (c, d);
            }
        }
        return best is not null && distance <= Math.Max(2, given.Length / 3) ? $" (did you mean '{best}'?)" : "";
    }

    private static int EditDistance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
