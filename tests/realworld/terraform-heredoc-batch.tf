variable "job_queue" {
  default = "genomics-queue"
}

resource "aws_batch_job_definition" "align" {
  name = "align-reads"
  type = "container"
}

resource "aws_batch_job_queue" "genomics" {
  name     = var.job_queue
  priority = 1
  state    = "ENABLED"
}

resource "aws_sfn_state_machine" "genome_pipeline" {
  name     = "genome-pipeline"
  role_arn = aws_iam_role.sfn.arn
  type     = "STANDARD"

  definition = <<-JSON
    {
      "Comment": "Align each sample's reads on AWS Batch, then call variants",
      "StartAt": "Align samples",
      "States": {
        "Align samples": {
          "Type": "Map",
          "ItemsPath": "$.samples",
          "MaxConcurrency": 4,
          "ItemProcessor": {
            "StartAt": "Align",
            "States": {
              "Align": {
                "Type": "Task",
                "Resource": "arn:aws:states:::batch:submitJob.sync",
                "Parameters": {
                  "JobName.$": "States.Format('align-{}', $.sampleId)",
                  "JobQueue": "${aws_batch_job_queue.genomics.arn}",
                  "JobDefinition": "${aws_batch_job_definition.align.arn}",
                  "ContainerOverrides": {
                    "Command.$": "States.Array('align', $.reads)"
                  }
                },
                "ResultSelector": {"jobId.$": "$.JobId"},
                "Retry": [{"ErrorEquals": ["Batch.AWSBatchException"], "IntervalSeconds": 60, "MaxAttempts": 3}],
                "End": true
              }
            }
          },
          "ResultPath": "$.alignments",
          "Next": "Call variants"
        },
        "Call variants": {
          "Type": "Task",
          "Resource": "arn:aws:states:::batch:submitJob.sync",
          "Parameters": {
            "JobName": "call-variants",
            "JobQueue": "${aws_batch_job_queue.genomics.arn}",
            "JobDefinition": "${aws_batch_job_definition.align.arn}",
            "Parameters": {"run.$": "$$.Execution.Name"}
          },
          "End": true
        }
      }
    }
  JSON
}
