package i18n

// reportEntries explain the report statuses and count the rows of a
// summary. The status values themselves stay English in every language:
// scripts grep for them.
var reportEntries = []entry{
	e("status.created", "the user was added", "新しいユーザーとして登録しました"),
	e("status.updated", "the existing user was changed", "既存のユーザーを更新しました"),
	e("status.unchanged", "the user already had these values; nothing was sent", "すでに同じ内容のため、何も送信していません"),
	e("status.skipped", "left out on purpose (an existing user with --mode skip-existing, a row marked for deletion, a hidden row)", "意図的に対象外にしました（--mode skip-existing での既存ユーザー、削除の印がある行、非表示の行など）"),
	e("status.invalid", "the row breaks a rule and was not sent; the message says what to fix", "入力に誤りがあるため送信していません。メッセージに直し方があります"),
	e("status.failed", "cybozu.com refused the row; the message says why", "cybozu.com に拒否されました。メッセージに理由があります"),
	e("status.not_attempted", "not sent because the run stopped first (Ctrl-C or an error); run again with --resume", "処理が途中で止まったため送信していません（Ctrl-C やエラー）。--resume で続きを実行してください"),
	e("status.would_create", "a dry run: this user would be added", "試し実行: このユーザーは新しく登録されます"),
	e("status.would_update", "a dry run: this user would be changed", "試し実行: このユーザーは更新されます"),
	e("status.valid", "the row has no error and can be imported", "誤りはなく、登録できます"),
	e("status.outcome_unknown", "the answer of cybozu.com was lost and the tool could not find out whether the change was made; check this user on cybozu.com", "cybozu.com からの応答が途切れ、登録されたかどうか確認できませんでした。cybozu.com でこのユーザーを確認してください"),
	{key: "summary.of_rows", plural: &pluralForms{
		arg:      1,
		countFmt: "%d",
		one:      [numLangs]string{"(of %d row)", ""},
		other:    [numLangs]string{"(of %d rows)", "（全 %d 行）"},
	}},
	e("summary.no_rows", "no rows", "行がありません"),
}
