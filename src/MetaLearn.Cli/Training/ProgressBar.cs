namespace MetaLearn.Cli.Training;

/// <summary>
/// A text progress bar for the live line on a terminal, e.g. <c>[#######-------------]  35%</c>. Drawn only when stderr is
/// a terminal; logs and redirected output get plain lines. (Spectre.Console would draw the same; one line of our own
/// keeps the injected writers that the tests use and adds no dependency.)
/// </summary>
internal static class ProgressBar
{
    private const int Width = 20;

    public static string Draw(long done, long total)
    {
        double fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        int filled = (int)Math.Round(fraction * Width);
        return $"[{new string('#', filled)}{new string('-', Width - filled)}] {fraction * 100,3:F0}%";
    }
}
