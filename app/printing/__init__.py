"""The print engine: sheets as PDF (WeasyPrint), CSV and XLSX. It knows tables of text, not
the domain: services build the sheets, blueprints send the files."""
