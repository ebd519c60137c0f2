# Click-stream ingest: a Distributed Map reads the hour's JSON Lines file from S3.

locals {
  bucket = "clickstream-raw-123456789012"
}

resource "aws_lambda_function" "enrich" {
  function_name = "enrich-clicks"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  role          = aws_iam_role.lambda.arn
}

resource "aws_sfn_state_machine" "clickstream" {
  name     = "clickstream-ingest"
  role_arn = aws_iam_role.sfn.arn
  definition = jsonencode({
    Comment = "Enrich one hour of clicks"
    StartAt = "Enrich clicks"
    States = {
      "Enrich clicks" = {
        Type = "Map"
        ItemReader = {
          Resource = "arn:aws:states:::s3:getObject"
          ReaderConfig = {
            InputType = "JSONL"
          }
          Parameters = {
            Bucket  = local.bucket
            "Key.$" = "$.hourKey"
          }
        }
        ItemBatcher = {
          MaxItemsPerBatch = 100
        }
        MaxConcurrency = 50
        ItemProcessor = {
          ProcessorConfig = {
            Mode          = "DISTRIBUTED"
            ExecutionType = "EXPRESS"
          }
          StartAt = "Enrich"
          States = {
            Enrich = {
              Type     = "Task"
              Resource = "arn:aws:states:::lambda:invoke"
              Parameters = {
                FunctionName = aws_lambda_function.enrich.arn
                "Payload.$"  = "$"
              }
              OutputPath = "$.Payload"
              End        = true
            }
          }
        }
        End = true
      }
    }
  })
}
