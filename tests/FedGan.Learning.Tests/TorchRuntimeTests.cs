using TorchSharp;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void Libtorch_loads_and_multiplies_matrices()
    {
        // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]], computed by hand.
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = tensor(new float[] { 5, 6, 7, 8 }).reshape(2, 2);
        using var product = a.matmul(b);

        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
    }

    [Fact]
    public void Runtime_description_names_the_libtorch_version()
    {
        Assert.Contains("libtorch 2.10", TorchRuntime.Describe());
    }
}
