using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("FedGan.ServiceDefaults.Tests")]
