//! What fills each table kqlite knows, for `kqlite tables` without `--logs`. The schemas come
//! from the catalog; this is only the words for people.

/// A known table's source, in words.
pub fn filled_by(table: &str) -> &'static str {
    match table {
        "NTANetAnalytics" => {
            "Azure VNet flow logs (NSG, AWS VPC flow logs with --nta-from), \
             aggregated as Traffic Analytics does"
        }
        "AzureNetworkAnalytics_CL" => "Azure NSG flow logs (v1, v2), as Traffic Analytics v1",
        "AWSVPCFlow" => "AWS VPC flow logs (v2-v8 lines, S3 .log.gz files)",
        "AzureDiagnostics" => "Azure Firewall resource logs of the legacy categories",
        t if t.starts_with("AZFW") => "Azure Firewall resource logs (resource-specific tables)",
        _ => "a table file given with --logs NAME=FILE (.csv, .json, .jsonl)",
    }
}
