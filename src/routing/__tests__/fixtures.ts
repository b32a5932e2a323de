/**
 * Small synthetic hotline data written for the router's tests (no real citizen's words):
 * six matters, eight training sentences each, and unseen sentences to check on. Three of the
 * matters are all "noise" complaints that only their source tells apart.
 */
import type { TrainingExample } from '../classifier';

export const MATTERS: Record<string, string[]> = {
  CONSTRUCTION_NOISE: [
    '晚上十一点了工地还在施工，噪音太大睡不着',
    '附近建筑工地夜间打桩，吵得整栋楼无法休息',
    '工地搅拌机凌晨还在运转，施工噪音扰民',
    '楼盘工地天天夜里施工，渣土车进出轰隆隆',
    '地铁施工工地半夜用电钻切割，请城管查处',
    '小区旁边的工地没有夜间施工许可证却通宵作业',
    '工地塔吊和挖掘机早上五点就开始施工，太吵了',
    '建筑工地夜间浇筑混凝土，噪音严重影响老人休息',
  ],
  SQUARE_DANCE: [
    '公园里跳广场舞的音响开得太大声，吵得没法休息',
    '小区广场每天晚上有大妈跳舞，音箱声音震耳欲聋',
    '广场舞音乐从早上六点放到晚上十点，严重扰民',
    '楼下空地有人跳广场舞，音响太响孩子无法写作业',
    '公园广场舞队伍用大功率音箱，请管理一下音量',
    '晚上九点以后广场上还在放舞曲，居民无法入睡',
    '健身队在广场上跳舞放音乐，音量太大影响住户',
    '希望规定广场舞的时间和音量，不要再扰民了',
  ],
  AIRCRAFT_NOISE: [
    '直升机每天在我们楼顶低空飞过，噪音很大',
    '飞机航线经过小区上空，起降的轰鸣声太吵',
    '机场新跑道启用后，飞机噪音让居民整夜睡不着',
    '半夜还有飞机低空飞行，发动机声音震得窗户响',
    '航班起飞时从我家上空经过，轰鸣声影响休息',
    '直升机训练飞行的噪音太大，孩子被吓哭了',
    '民航飞机降落高度很低，噪声超标请相关部门检测',
    '希望调整飞机航线，避开居民区上空',
  ],
  UNPAID_WAGES: [
    '我们厂老板三个月没发工资了，三十多个工人找不到人',
    '公司拖欠农民工工资，包工头跑路了',
    '年底了工地还欠我们半年的工资没有结算',
    '老板以各种理由克扣工资，劳动合同也不签',
    '餐馆辞职后老板拒绝支付最后两个月的工资',
    '装修公司拖欠工人劳务费，多次讨薪无果',
    '单位欠发加班费和工资，请劳动监察部门处理',
    '建筑公司拖欠农民工工资，希望帮忙讨回血汗钱',
  ],
  STREET_LIGHT: [
    '小区门口的路灯坏了一个多星期，晚上很黑',
    '这条路的路灯全部不亮，夜里行人看不清路',
    '路灯白天一直亮着，浪费电，请维修',
    '街道路灯损坏后一直没人修，老人过马路很危险',
    '桥下的照明灯坏了，晚上一片漆黑',
    '新修的道路没有安装路灯，晚上走路不安全',
    '路灯杆被车撞倒了，电线裸露在外面',
    '公园小路的灯一闪一闪的，希望尽快维修',
  ],
  PASSPORT_VISA: [
    '想问一下港澳通行证签注在哪里办，要带什么材料',
    '护照过期了需要换发，出入境大厅几点上班',
    '办理护照需要预约吗，要多长时间才能拿到',
    '赴台湾通行证签注可以在网上办理吗',
    '孩子第一次办理护照，需要父母陪同吗',
    '外国人签证延期应该去哪个出入境窗口',
    '护照丢失了怎么补办，需要先报案吗',
    '港澳通行证办好了怎么邮寄到家',
  ],
};

/** Sentences not in the training data, with the matter they belong to. */
export const UNSEEN: [string, string][] = [
  ['隔壁工地凌晨两点还在施工打桩，根本睡不着觉', 'CONSTRUCTION_NOISE'],
  ['广场舞大妈的音响太吵了，晚上十点还在跳', 'SQUARE_DANCE'],
  ['飞机从头顶飞过声音太大，能不能改航线', 'AIRCRAFT_NOISE'],
  ['老板拖欠我们两个月工资一直不给', 'UNPAID_WAGES'],
  ['我家楼下的路灯坏了好几天，晚上不敢出门', 'STREET_LIGHT'],
  ['请问护照到期了在哪里换新的', 'PASSPORT_VISA'],
];

export function trainingExamples(): TrainingExample[] {
  return Object.entries(MATTERS).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
}
