namespace WaifuLab.Evaluation;

/// <summary>A classifier from <see cref="ClassifierCache"/>: where it lives and whether this call had to train it.</summary>
public sealed record CachedClassifier(AttributeClassifier Classifier, ClassifierReport Report, string Path, bool Trained);
