using System.Security.Cryptography;

namespace MetaLearn.Data;

/// <summary>SHA-256 of files, as the lower-case hex used by <c>sha256sum</c>.</summary>
public static class FileChecksum
{
    /// <summary>Streams <paramref name="path"/> through SHA-256 and returns 64 lower-case hex digits.</summary>
    public static string Sha256(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Whether two hex checksums are equal, ignoring case and surrounding white space.</summary>
    public static bool Same(string a, string b) =>
        string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws when <paramref name="sha256"/> is not 64 hex digits, naming <paramref name="what"/>.</summary>
    internal static string Normalize(string sha256, string what)
    {
        string s = sha256.Trim().ToLowerInvariant();
        if (s.Length != 64 || !s.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"{what}: '{sha256}' is not a SHA-256 checksum (64 hex digits, as printed by sha256sum).");
        }
        return s;
    }
}
