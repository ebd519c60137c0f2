// A purchase request waits for a person, through a Lambda that emails a link with the task token.

variable "approval_timeout_seconds" {
  description = "How long a request may wait for an answer"
  type        = number
  default     = 172800
}

resource "aws_lambda_function" "ask_approver" {
  function_name = "ask-approver"
  runtime       = "python3.12"
  handler       = "ask.handler"
  role          = aws_iam_role.lambda.arn
}

resource "aws_sns_topic" "purchasing" {
  name = "purchasing-decisions"
}

locals {
  definition = jsonencode({
    StartAt = "Ask approver"
    States = {
      "Ask approver" = {
        Type     = "Task"
        Resource = "arn:aws:states:::lambda:invoke.waitForTaskToken"
        Parameters = {
          FunctionName = aws_lambda_function.ask_approver.function_name
          Payload = {
            "request.$"   = "$"
            "taskToken.$" = "$$.Task.Token"
          }
        }
        TimeoutSeconds = var.approval_timeout_seconds
        ResultPath     = "$.answer"
        Catch = [
          { ErrorEquals = ["States.Timeout"], ResultPath = "$.timeout", Next = "Nobody answered" },
          { ErrorEquals = ["Rejected"], ResultPath = "$.rejection", Next = "Tell purchasing" }
        ]
        Next = "Tell purchasing"
      }
      "Tell purchasing" = {
        Type     = "Task"
        Resource = "arn:aws:states:::sns:publish"
        Parameters = {
          TopicArn  = aws_sns_topic.purchasing.arn
          "Message.$" = "States.JsonToString($)"
        }
        End = true
      }
      "Nobody answered" = {
        Type  = "Fail"
        Error = "NoAnswer"
        Cause = "Nobody approved or rejected the request in time"
      }
    }
  })
}

resource "aws_sfn_state_machine" "purchase_approval" {
  name       = "purchase-approval"
  role_arn   = aws_iam_role.sfn.arn
  definition = local.definition
}
