using System.Text;
using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// A train / validation / test split of Omniglot characters, as an explicit artifact: the character keys
/// (<c>Alphabet/characterNN</c>) of each part, plus how they were made. <see cref="ToText"/> writes it out so a
/// run can record exactly which classes it trained on; <see cref="Parse"/> reads it back.
/// </summary>
/// <param name="Name">The protocol, e.g. <c>vinyals</c> or <c>lake</c>.</param>
/// <param name="Seed">The seed of the <see cref="Rng"/> that drew it.</param>
/// <param name="Train">Keys of the training characters.</param>
/// <param name="Validation">Keys of the validation characters (may be empty).</param>
/// <param name="Test">Keys of the test characters.</param>
public sealed record OmniglotSplit(string Name, ulong Seed, IReadOnlyList<string> Train, IReadOnlyList<string> Validation, IReadOnlyList<string> Test)
{
    /// <summary>
    /// The Vinyals et al. (2016) protocol as implemented by MAML (Finn et al. 2017): all characters of both sets,
    /// sorted by key, shuffled by <c>new Rng(seed)</c>; the first <paramref name="train"/> train, the next
    /// <paramref name="validation"/> validate (1,100 + 100 = the paper's 1,200 training characters), the rest
    /// (423 of 1,623) test. The original paper's exact character list was never published; this one is fixed by
    /// the seed, and rotations are applied on top by the presets (<see cref="RotatedClasses"/>).
    /// </summary>
    public static OmniglotSplit Vinyals(OmniglotDataset data, ulong seed = 1, int train = 1100, int validation = 100)
    {
        ArgumentNullException.ThrowIfNull(data);
        string[] keys = [.. Enumerable.Range(0, data.ClassCount).Select(data.ClassName).Order(StringComparer.Ordinal)];
        if (train < 1 || validation < 0 || train + validation >= keys.Length)
        {
            throw new ArgumentException(
                $"Vinyals split: {train} train + {validation} validation characters leave no test characters out of the {keys.Length} in {data.Name}. " +
                "Open both images_background and images_evaluation (1,623 characters) or pass smaller counts.");
        }
        new Rng(seed).Shuffle(keys.AsSpan());
        return new OmniglotSplit("vinyals", seed, keys[..train], keys[train..(train + validation)], keys[(train + validation)..]);
    }

    /// <summary>
    /// Lake et al. (2015): train on the background alphabets, test on the evaluation alphabets. Validation holds
    /// out <paramref name="validationAlphabets"/> whole background alphabets chosen by <c>new Rng(seed)</c>
    /// (default 5 of 30, so model selection never sees the test alphabets); 0 trains on all 30.
    /// </summary>
    public static OmniglotSplit Lake(OmniglotDataset data, int validationAlphabets = 5, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        var characters = Enumerable.Range(0, data.ClassCount).Select(data.Character).ToList();
        var background = characters.Where(c => c.Set.StartsWith("images_background", StringComparison.Ordinal)).ToList();
        var evaluation = characters.Where(c => c.Set.StartsWith("images_evaluation", StringComparison.Ordinal)).ToList();
        if (background.Count == 0 || evaluation.Count == 0)
        {
            throw new ArgumentException(
                $"Lake split: {data.Name} has {background.Count} background and {evaluation.Count} evaluation characters; it needs both. " +
                "Open images_background and images_evaluation together.");
        }
        string[] alphabets = [.. background.Select(c => c.Alphabet).Distinct().Order(StringComparer.Ordinal)];
        if (validationAlphabets < 0 || validationAlphabets >= alphabets.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(validationAlphabets), $"Lake split: {validationAlphabets} validation alphabets out of {alphabets.Length} background alphabets leaves none to train on.");
        }
        new Rng(seed).Shuffle(alphabets.AsSpan());
        var held = alphabets[..validationAlphabets].ToHashSet(StringComparer.Ordinal);
        static string[] Keys(IEnumerable<OmniglotCharacter> cs) => [.. cs.Select(c => c.Key).Order(StringComparer.Ordinal)];
        return new OmniglotSplit("lake", seed,
            Keys(background.Where(c => !held.Contains(c.Alphabet))), Keys(background.Where(c => held.Contains(c.Alphabet))), Keys(evaluation));
    }

    /// <summary>Views of <paramref name="data"/> holding each part's classes, in this split's order.</summary>
    public (ClassSubset Train, ClassSubset Validation, ClassSubset Test) Apply(ILabeledDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < data.ClassCount; c++)
        {
            index[data.ClassName(c)] = c;
        }
        ClassSubset Part(string part, IReadOnlyList<string> keys)
        {
            var classes = new int[keys.Count];
            for (int i = 0; i < keys.Count; i++)
            {
                if (!index.TryGetValue(keys[i], out classes[i]))
                {
                    throw new ArgumentException(
                        $"Omniglot split '{Name}': its {part} part names character '{keys[i]}', which {data.Name} does not have. Open the sets the split was made from.");
                }
            }
            return new ClassSubset(data, classes, $"{data.Name} [{Name} {part}, {keys.Count} characters]");
        }
        return (Part("train", Train), Part("validation", Validation), Part("test", Test));
    }

    /// <summary>The split as text: a header line, then <c>train|validation|test KEY</c> lines.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append("# omniglot split ").Append(Name).Append(" seed ").Append(Seed).Append('\n');
        foreach (var (part, keys) in new[] { ("train", Train), ("validation", Validation), ("test", Test) })
        {
            foreach (string k in keys)
            {
                sb.Append(part).Append(' ').Append(k).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>Reads text written by <see cref="ToText"/>.</summary>
    public static OmniglotSplit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines.Length > 0 ? lines[0].Split(' ') : [];
        if (header.Length != 6 || header[0] != "#" || header[1] != "omniglot" || !ulong.TryParse(header[5], out ulong seed))
        {
            throw new FormatException("Omniglot split text must start with '# omniglot split NAME seed N'.");
        }
        var parts = new Dictionary<string, List<string>> { ["train"] = [], ["validation"] = [], ["test"] = [] };
        for (int i = 1; i < lines.Length; i++)
        {
            int space = lines[i].IndexOf(' ');
            if (space < 0 || !parts.TryGetValue(lines[i][..space], out var list))
            {
                throw new FormatException($"Omniglot split line {i + 1} '{lines[i]}' is not 'train|validation|test Alphabet/characterNN'.");
            }
            list.Add(lines[i][(space + 1)..]);
        }
        return new OmniglotSplit(header[3], seed, parts["train"], parts["validation"], parts["test"]);
    }
}
