using CnnArch.Memory;

namespace CnnArch.Tests.Cli;

/// <summary>'compare --training': each model's training peak at --batch, where DenseNet's concatenations show.</summary>
public class CompareTrainingTests
{
    [Fact]
    public void DenseNet121_Needs_More_Training_Memory_Than_ResNet50_With_A_Third_Of_Its_Parameters()
    {
        var comparison = Comparisons.Compare([(Catalog.Create("densenet121"), null), (Catalog.Create("resnet50"), null)], trainingBatch: 32);

        var (dense, resnet) = (comparison.Rows[0], comparison.Rows[1]);
        dense.Parameters.Should().BeLessThan(resnet.Parameters / 3);
        dense.Macs.Should().BeLessThan(resnet.Macs);
        dense.TrainingPeakBytes.Should().BeGreaterThan(resnet.TrainingPeakBytes!.Value);
        dense.TrainingPeakBytes.Should().Be(MemoryAnalyzer.Analyze(Catalog.Create("densenet121"), new MemoryOptions { Batch = 32 }).Training.PeakBytes);
        Comparisons.Compare([(Catalog.Create("resnet18"), null)]).Rows[0].TrainingPeakBytes.Should().BeNull("not asked for");
    }

    [Fact]
    public void Every_Format_Carries_The_Training_Peak_Only_When_Asked()
    {
        CliTests.Run("compare", "densenet121", "resnet50", "--training", "--batch", "32").Out.Should().Contain("Peak (training)").And.Contain("3.97 GB");
        CliTests.Run("compare", "densenet121", "resnet50", "--training", "--format", "json").Out.Should().Contain("\"trainingPeakBytes\": ");
        CliTests.Run("compare", "densenet121", "resnet50", "--training", "--format", "csv").Out.Should().StartWith("model,input,params,macs,activation_bytes,inference_peak_bytes,top1,params_ratio,macs_ratio,memory_ratio,training_peak_bytes\n");
        CliTests.Run("compare", "densenet121", "resnet50").Out.Should().NotContain("Peak (training)");
    }
}
