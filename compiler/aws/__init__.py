"""Facts about AWS itself (host names, ARN forms) that several parts of rolec read."""
