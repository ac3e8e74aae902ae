global using CnnArch.Reporting;
