namespace SharedFs.Storage;

/// <summary>How requests are signed: AWS Signature Version 4 (every current provider) or Version 2 (older Ceph, EMC, swift3).</summary>
public enum SignatureVersion
{
    V4,
    V2,
}
