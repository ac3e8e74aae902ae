global using CnnArch.Analysis;
global using CnnArch.Graph;
global using CnnArch.Layers;
global using CnnArch.Presets;
global using FluentAssertions;
global using Xunit;
