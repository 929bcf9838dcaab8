namespace Warden.Core.Screening;

/// <summary>Receives hashed feature indices from <see cref="TextFeaturizer"/> (a struct, so calls inline).</summary>
internal interface IFeatureSink
{
    void Add(int index);
}
