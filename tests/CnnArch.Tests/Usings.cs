global using CnnArch.Analysis;
global using CnnArch.Graph;
global using CnnArch.Layers;
global using CnnArch.Presets;
global using CnnArch.Reporting;
global using CnnArch.Studies;
global using FluentAssertions;
global using Xunit;
