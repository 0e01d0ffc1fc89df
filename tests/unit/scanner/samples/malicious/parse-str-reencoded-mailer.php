<?php
// test fixture: a mailer form that re-encodes the posted fields and parses them back into
// variables of their names (register_globals emulated), then mails what was posted
function pack_fields($fields)
{
    $out = '';
    foreach ($fields as $k => $v) {
        $out .= ($out === '' ? '' : '&') . $k . '=' . rawurlencode($v);
    }
    return $out;
}
if (isset($_POST['action'])) {
    $packed = pack_fields($_POST);
    parse_str($packed);
}
?>
<form method="post">
<input name="from"><input name="subject">
<textarea name="letter"></textarea><textarea name="targets"></textarea>
<input type="hidden" name="action" value="go"><input type="submit" value="Go">
</form>
<?php
if ($action) {
    $ok = mail($targets, $subject, $letter, "From: $from");
    echo $ok ? "sent" : "failed";
}
