resource "aws_lambda_function" "quote" {
  function_name = "shipping-quote"
  runtime       = "python3.12"
  handler       = "quote.handler"
  role          = aws_iam_role.lambda.arn
}

resource "aws_sfn_state_machine" "shipping" {
  name     = "shipping-quote"
  role_arn = aws_iam_role.sfn.arn
  type     = "EXPRESS"
  definition = jsonencode({
    QueryLanguage = "JSONata"
    StartAt       = "Quote each parcel"
    States = {
      "Quote each parcel" = {
        Type  = "Map"
        Items = "{% $states.input.parcels %}"
        ItemProcessor = {
          ProcessorConfig = { Mode = "INLINE" }
          StartAt         = "Quote"
          States = {
            Quote = {
              Type     = "Task"
              Resource = "arn:aws:states:::lambda:invoke"
              Arguments = {
                FunctionName = aws_lambda_function.quote.arn
                Payload      = "{% {'weight': $states.input.weightKg, 'to': $states.input.postcode} %}"
              }
              Output = "{% $states.result.Payload.price %}"
              End    = true
            }
          }
        }
        Output = "{% {'parcels': $count($states.result), 'total': $sum($states.result)} %}"
        Next   = "Free shipping?"
      }
      "Free shipping?" = {
        Type = "Choice"
        Choices = [
          { Condition = "{% $states.input.total > 100 %}", Next = "Free", Output = "{% $merge([$states.input, {'charged': 0}]) %}" }
        ]
        Default = "Charge"
      }
      Free = { Type = "Succeed" }
      Charge = {
        Type   = "Pass"
        Output = "{% $merge([$states.input, {'charged': $states.input.total}]) %}"
        End    = true
      }
    }
  })
}
