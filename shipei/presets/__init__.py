"""The five notices as presets: loading one makes its programme, keeps the notice's printed
tables with it and gives the seats of its quota table (``loader.preset_load``). The top of the
layers: the apps below never read this folder."""
