using System.Text;

namespace MetaLearn.Cli.Training;

/// <summary>
/// The run's train.log: appended line by line and flushed, and never the reason a run fails. A full disk makes it stop
/// writing (the first failure is remembered in <see cref="Failure"/>); stderr still gets every message, and the
/// checkpoints are written on their own, atomically.
/// </summary>
internal sealed class RunLog(string path) : TextWriter
{
    private StreamWriter? _file = Open(path);

    /// <summary>Why the log stopped writing, if it did.</summary>
    public string? Failure { get; private set; }

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Try(f => f.Write(value));

    public override void Write(string? value) => Try(f => f.Write(value));

    public override void WriteLine(string? value) => Try(f =>
    {
        f.WriteLine(value);
        f.Flush();
    });

    public override void Flush() => Try(f => f.Flush());

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Try(f => f.Dispose());
            _file = null;
        }
        base.Dispose(disposing);
    }

    private static StreamWriter? Open(string path)
    {
        try
        {
            return new StreamWriter(path, append: true);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void Try(Action<StreamWriter> write)
    {
        if (_file is null)
        {
            return;
        }
        try
        {
            write(_file);
        }
        catch (IOException e)
        {
            Failure ??= e.Message;
            try
            {
                _file.Dispose();
            }
            catch (IOException)
            {
                // Nothing more can be written; the data that reached the disk stays.
            }
            _file = null;
        }
    }
}
