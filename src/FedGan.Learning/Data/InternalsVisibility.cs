using System.Runtime.CompilerServices;

// The samplers behind the partitioner are checked statistically on their own.
[assembly: InternalsVisibleTo("FedGan.Learning.Tests")]
