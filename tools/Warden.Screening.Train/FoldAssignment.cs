namespace Warden.Screening.Train;

/// <summary>
/// Which fold each training email (<see cref="Contexts"/>), each of my documents (<see cref="Documents"/>) and each
/// training attack category (<see cref="Categories"/>, one list per fold) belongs to in one grouped cross-validation.
/// </summary>
internal sealed record FoldAssignment(int Folds, int[] Contexts, int[] Documents, string[][] Categories)
{
    /// <summary>
    /// A seeded random assignment (round 9's repeated CV): emails and documents shuffled and dealt evenly over the folds;
    /// the attack categories shuffled within their kind (task, output manipulation, other) and dealt in turn from a random
    /// fold, so every fold holds out whole emails and whole categories of more than one kind, as the held-out split does.
    /// </summary>
    public static FoldAssignment Seeded(EvalSets sets, int folds, int seed)
    {
        var rng = new Random(seed);
        var contexts = Deal(sets.ContextsTrain.Count, folds, rng);
        var documents = Deal(sets.DocumentsTrain.Count, folds, rng);
        var categories = Enumerable.Range(0, folds).Select(_ => new List<string>()).ToArray();
        var next = rng.Next(folds);
        foreach (var kind in CrossValidation.CategoryKinds)
        {
            var shuffled = kind.ToArray();
            rng.Shuffle(shuffled);
            foreach (var c in shuffled)
            {
                categories[next].Add(c);
                next = (next + 1) % folds;
            }
        }

        return new(folds, contexts, documents, [.. categories.Select(c => c.ToArray())]);
    }

    private static int[] Deal(int count, int folds, Random rng)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        var fold = new int[count];
        for (var j = 0; j < count; j++)
        {
            fold[order[j]] = j % folds;
        }

        return fold;
    }
}
