namespace MetaLearn.Cli.Registry;

/// <summary>Every learner and task family the command line knows, in listing order.</summary>
internal static class Registrations
{
    /// <summary>The learners. Adding one: its registration file and one line here.</summary>
    public static readonly IReadOnlyList<LearnerRegistration> Learners =
    [
        MamlRegistration.Learner,
        MetaSgdRegistration.Learner,
        AnilRegistration.Learner,
        ReptileRegistration.Learner,
        ProtoNetRegistration.Learner,
        MatchingNetworksRegistration.Learner,
        RelationNetworksRegistration.Learner,
    ];

    /// <summary>The task families.</summary>
    public static readonly IReadOnlyList<TaskFamilyRegistration> TaskFamilies =
    [
        SinusoidFamily.Family,
        LinearFamily.Family,
        SinusoidOrLineFamily.Family,
        OmniglotFamily.Family,
    ];

    /// <summary>The learner named <paramref name="name"/>, or a usage error with the closest name.</summary>
    public static LearnerRegistration Learner(string name)
        => Learners.FirstOrDefault(l => l.Name == name.Trim().ToLowerInvariant())
           ?? throw new UsageException($"unknown learner '{name}'{Suggest.DidYouMean(name, Learners.Select(l => l.Name))}; the learners are {string.Join(", ", Learners.Select(l => l.Name))} (metalearn learners describes them).");

    /// <summary>The task family named <paramref name="name"/>, or a usage error with the closest name.</summary>
    public static TaskFamilyRegistration TaskFamily(string name)
        => TaskFamilies.FirstOrDefault(t => t.Name == name.Trim().ToLowerInvariant())
           ?? throw new UsageException($"unknown task '{name}'{Suggest.DidYouMean(name, TaskFamilies.Select(t => t.Name))}; the tasks are {string.Join(", ", TaskFamilies.Select(t => t.Name))}.");
}
