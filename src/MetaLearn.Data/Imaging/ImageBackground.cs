namespace MetaLearn.Data;

/// <summary>Whether a drawing's background is light (dark ink on paper) or dark (light ink on a dark ground).</summary>
public enum ImageBackground
{
    /// <summary>Light ground, dark strokes: ink is 1 - gray. Omniglot's drawings are stored this way.</summary>
    Light,

    /// <summary>Dark ground, light strokes (chalk on a blackboard, a white-on-black export): ink is the gray value.</summary>
    Dark,
}
