# Order intake: validate, price and store an order. The definition is a heredoc of JSON.

variable "environment" {
  type    = string
  default = "staging"
}

resource "aws_lambda_function" "validate_order" {
  function_name = "validate-order-${var.environment}"
  runtime       = "python3.12"
  handler       = "validate.handler"
  role          = aws_iam_role.lambda.arn
  filename      = "build/validate.zip"
}

resource "aws_lambda_function" "price_order" {
  function_name = "price-order"
  runtime       = "python3.12"
  handler       = "price.handler"
  role          = aws_iam_role.lambda.arn
  filename      = "build/price.zip"
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "orderId"
  attribute {
    name = "orderId"
    type = "S"
  }
}

resource "aws_sfn_state_machine" "order_intake" {
  name     = "order-intake-${var.environment}"
  role_arn = aws_iam_role.sfn.arn

  definition = <<EOF
{
  "Comment": "Validate, price and store an order",
  "StartAt": "Validate",
  "States": {
    "Validate": {
      "Type": "Task",
      "Resource": "${aws_lambda_function.validate_order.arn}",
      "Catch": [{"ErrorEquals": ["InvalidOrder"], "ResultPath": "$.error", "Next": "Rejected"}],
      "Next": "Price"
    },
    "Price": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "${aws_lambda_function.price_order.arn}", "Payload.$": "$"},
      "ResultSelector": {"total.$": "$.Payload.total"},
      "ResultPath": "$.price",
      "Next": "Store"
    },
    "Store": {
      "Type": "Task",
      "Resource": "arn:aws:states:::dynamodb:putItem",
      "Parameters": {
        "TableName": "${aws_dynamodb_table.orders.name}",
        "Item": {
          "orderId": {"S.$": "$.orderId"},
          "total": {"N.$": "States.Format('{}', $.price.total)"}
        }
      },
      "End": true
    },
    "Rejected": {"Type": "Fail", "Error": "InvalidOrder", "Cause": "The order did not pass validation"}
  }
}
EOF
}
