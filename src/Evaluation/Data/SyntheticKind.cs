namespace HyperdOrleans.Evaluation.Data;

/// <summary>The synthetic data sets the generator makes.</summary>
public enum SyntheticKind
{
    /// <summary>Every component uniform in [0, 1): the course workload; all-positive and hard for every ANN index.</summary>
    Uniform,

    /// <summary>A seeded Gaussian mixture: base rows and queries drawn around the same centres.</summary>
    Clustered,
}
