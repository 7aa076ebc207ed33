namespace MetaLearn.Data;

/// <summary>One Omniglot character (a class): where it comes from and the relative paths of its drawings.</summary>
/// <param name="Set">The set it came from, e.g. <c>images_background</c>.</param>
/// <param name="Alphabet">The alphabet folder name, e.g. <c>Greek</c>.</param>
/// <param name="Character">The character folder name, e.g. <c>character01</c>.</param>
/// <param name="Drawings">Relative paths of its drawings inside the zip or folder, in ordinal order (drawer 01 first).</param>
public sealed record OmniglotCharacter(string Set, string Alphabet, string Character, IReadOnlyList<string> Drawings)
{
    /// <summary>The class name used everywhere: <c>Alphabet/characterNN</c>.</summary>
    public string Key => $"{Alphabet}/{Character}";
}
