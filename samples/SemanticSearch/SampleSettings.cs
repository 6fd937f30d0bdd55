namespace HyperdOrleans.SemanticSearch;

/// <summary>The sample's two options: the question and the category its filtered search keeps.</summary>
internal sealed record SampleSettings(string Question, string Category)
{
    public const string DefaultQuestion = "What makes things rise?";

    public static SampleSettings Parse(string[] args)
    {
        var settings = new SampleSettings(DefaultQuestion, "finance");
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--question" => settings with { Question = value },
                "--category" => settings with { Category = value },
                _ => throw new ArgumentException($"unknown option {args[i]}; use --question TEXT and --category NAME."),
            };
            i++;
        }

        return settings;
    }
}
