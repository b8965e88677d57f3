using TorchSharp;

namespace FedGan.Learning;

/// <summary>Facts about the libtorch this process loaded, for logs and `fedgan info`.</summary>
public static class TorchRuntime
{
    public static string Describe() =>
        $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}, threads {torch.get_num_threads()}";
}
