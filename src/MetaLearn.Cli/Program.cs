// The metalearn executable only composes: every command lives in Commands/ and writes to the injected writers.
return MetaLearn.Cli.MetaLearnCommand.Run(args, Console.Out, Console.Error);
