local app = "x";
{ family: app }
