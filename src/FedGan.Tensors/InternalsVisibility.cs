using System.Runtime.CompilerServices;

// The seeded generator's raw output is checked against its published reference values.
[assembly: InternalsVisibleTo("FedGan.Tensors.Tests")]
