<html><body>
<?php $title = 'Page'; $items = array('x', 'y'); ?>
<h1><?= htmlspecialchars($title) ?></h1>
<ul>
<?php foreach ($items as $it): ?>
  <li><?php echo strtoupper($it); ?></li>
<?php endforeach; ?>
</ul>
<?php
function footer($year) { return "&copy; " . $year; }
echo footer(2026);
?>
</body></html>
