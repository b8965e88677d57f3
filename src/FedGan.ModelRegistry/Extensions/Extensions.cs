using FedGan.Storage;

namespace FedGan.ModelRegistry.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddBlobStorage("blobs");
    }
}
