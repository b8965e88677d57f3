using FedGan.Learning.Data;

namespace FedGan.Learning.Tests.Data;

public class LabeledImagesTests
{
    private static readonly string[] Classes = ["a", "b"];

    [Fact]
    public void Subset_copies_the_chosen_images_in_order()
    {
        var images = new LabeledImages([0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f], [0, 1, 0], 1, 2, Classes);

        var subset = images.Subset([2, 0, 2]);

        Assert.Equal([0.4f, 0.5f, 0f, 0.1f, 0.4f, 0.5f], subset.Pixels);
        Assert.Equal([0, 0, 0], subset.Labels);
        Assert.Equal([2, 1], images.ClassCounts());
        Assert.Throws<ArgumentOutOfRangeException>(() => images.Subset([3]));
    }

    [Theory]
    [InlineData(new[] { 0f, 1.5f }, new[] { 0 }, "must lie in [0,1]")]
    [InlineData(new[] { 0f, float.NaN }, new[] { 0 }, "must lie in [0,1]")]
    [InlineData(new[] { 0f, 1f }, new[] { 2 }, "outside the 2 classes")]
    [InlineData(new[] { 0f, 1f, 0f }, new[] { 0 }, "need 2 pixels")]
    public void Invalid_contents_are_refused(float[] pixels, int[] labels, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new LabeledImages(pixels, labels, 1, 2, Classes));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Concatenate_appends_in_order_and_checks_compatibility()
    {
        var a = new LabeledImages([0.1f, 0.2f], [1], 1, 2, Classes);
        var b = new LabeledImages([0.3f, 0.4f], [0], 1, 2, Classes);
        var other = new LabeledImages([0.3f, 0.4f], [0], 2, 1, Classes);

        var both = LabeledImages.Concatenate([a, b]);

        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f], both.Pixels);
        Assert.Equal([1, 0], both.Labels);
        Assert.Throws<ArgumentException>(() => LabeledImages.Concatenate([a, other]));
    }
}
